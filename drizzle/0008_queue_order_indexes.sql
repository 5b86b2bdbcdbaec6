DROP INDEX "tickets_open_team_due_idx";--> statement-breakpoint
DROP INDEX "tickets_open_assignee_due_idx";--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "queue_rank" smallint GENERATED ALWAYS AS (CASE urgency WHEN 'emergency' THEN 0 WHEN 'urgent' THEN 1 WHEN 'normal' THEN 1 END) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_open_team_queue_idx" ON "tickets" USING btree ("team_id","status","queue_rank","due_at","id") WHERE status IN ('assigned', 'claimed', 'in_progress');--> statement-breakpoint
CREATE INDEX "tickets_open_assignee_queue_idx" ON "tickets" USING btree ("assignee_id","status","queue_rank","due_at","id") WHERE status IN ('assigned', 'claimed', 'in_progress');--> statement-breakpoint
CREATE INDEX "tickets_open_compound_queue_idx" ON "tickets" USING btree ("compound_id","status","queue_rank","due_at","id") WHERE status IN ('assigned', 'claimed', 'in_progress');--> statement-breakpoint
CREATE INDEX "tickets_open_queue_idx" ON "tickets" USING btree ("status","queue_rank","due_at","id") WHERE status IN ('assigned', 'claimed', 'in_progress');--> statement-breakpoint
CREATE INDEX "tickets_done_team_created_idx" ON "tickets" USING btree ("team_id","created_at","id") WHERE status NOT IN ('assigned', 'claimed', 'in_progress');--> statement-breakpoint
CREATE INDEX "tickets_done_compound_created_idx" ON "tickets" USING btree ("compound_id","created_at","id") WHERE status NOT IN ('assigned', 'claimed', 'in_progress');