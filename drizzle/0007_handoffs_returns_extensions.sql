ALTER TABLE "tickets" ADD COLUMN "handoff_to_team_id" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "handoff_reason" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "handoff_requested_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "handoff_requested_by_id" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "handoff_count" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "return_reason" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "return_requested_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "return_requested_by_id" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "extension_until" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "extension_reason" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "extension_requested_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "extension_requested_by_id" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_handoff_to_team_id_teams_id_fk" FOREIGN KEY ("handoff_to_team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_handoff_requested_by_id_users_id_fk" FOREIGN KEY ("handoff_requested_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_return_requested_by_id_users_id_fk" FOREIGN KEY ("return_requested_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_extension_requested_by_id_users_id_fk" FOREIGN KEY ("extension_requested_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tickets_handoff_team_idx" ON "tickets" USING btree ("handoff_to_team_id") WHERE handoff_to_team_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_pending_compound_idx" ON "tickets" USING btree ("compound_id") WHERE handoff_to_team_id IS NOT NULL OR return_requested_at IS NOT NULL OR extension_requested_at IS NOT NULL;