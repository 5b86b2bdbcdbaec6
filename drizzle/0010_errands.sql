CREATE TABLE "errand_tickets" (
	"errand_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"position" smallint NOT NULL,
	"delivered_at" timestamp (3) with time zone,
	CONSTRAINT "errand_tickets_errand_id_ticket_id_pk" PRIMARY KEY("errand_id","ticket_id")
);
--> statement-breakpoint
CREATE TABLE "errands" (
	"id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"note" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"done_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "errand_tickets" ADD CONSTRAINT "errand_tickets_errand_id_errands_id_fk" FOREIGN KEY ("errand_id") REFERENCES "public"."errands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "errand_tickets" ADD CONSTRAINT "errand_tickets_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "errands" ADD CONSTRAINT "errands_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "errand_tickets_running_key" ON "errand_tickets" USING btree ("ticket_id") WHERE delivered_at IS NULL;--> statement-breakpoint
CREATE INDEX "errands_member_idx" ON "errands" USING btree ("member_id","id");