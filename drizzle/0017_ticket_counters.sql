CREATE TABLE "ticket_counters" (
	"kind" smallint NOT NULL,
	"group_id" uuid NOT NULL,
	"bucket" integer NOT NULL,
	"n" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "ticket_counters_key_idx" ON "ticket_counters" USING btree ("group_id","kind","bucket");