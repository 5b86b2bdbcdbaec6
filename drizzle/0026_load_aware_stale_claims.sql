ALTER TABLE "sla_policies" ADD COLUMN "stale_claim_seconds" integer;--> statement-breakpoint
ALTER TABLE "team_members" ADD COLUMN "last_assigned_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "max_open_per_member" smallint DEFAULT 8 NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "stale_claim_seconds" integer;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "stale_claim_at" timestamp (3) with time zone;