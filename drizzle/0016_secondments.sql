CREATE TABLE "secondments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"team_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"from_team_id" uuid,
	"until" timestamp (3) with time zone NOT NULL,
	"reason" text NOT NULL,
	"created_by_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp (3) with time zone,
	"ended_by_id" uuid
);
--> statement-breakpoint
ALTER TABLE "secondments" ADD CONSTRAINT "secondments_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secondments" ADD CONSTRAINT "secondments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secondments" ADD CONSTRAINT "secondments_from_team_id_teams_id_fk" FOREIGN KEY ("from_team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secondments" ADD CONSTRAINT "secondments_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secondments" ADD CONSTRAINT "secondments_ended_by_id_users_id_fk" FOREIGN KEY ("ended_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "secondments_running_key" ON "secondments" USING btree ("team_id","user_id") WHERE ended_at IS NULL;--> statement-breakpoint
CREATE INDEX "secondments_running_until_idx" ON "secondments" USING btree ("until") WHERE ended_at IS NULL;--> statement-breakpoint
CREATE INDEX "secondments_from_team_idx" ON "secondments" USING btree ("from_team_id","user_id") WHERE ended_at IS NULL;