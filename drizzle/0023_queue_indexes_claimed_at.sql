DROP INDEX "tickets_open_team_queue_idx";--> statement-breakpoint
DROP INDEX "tickets_open_assignee_queue_idx";--> statement-breakpoint
DROP INDEX "tickets_open_compound_queue_idx";--> statement-breakpoint
DROP INDEX "tickets_open_queue_idx";--> statement-breakpoint
CREATE INDEX "tickets_open_team_queue_idx" ON "tickets" USING btree ("team_id","status","queue_rank","due_at","id","claimed_at") WHERE status IN ('assigned', 'claimed', 'in_progress');--> statement-breakpoint
CREATE INDEX "tickets_open_assignee_queue_idx" ON "tickets" USING btree ("assignee_id","status","queue_rank","due_at","id","claimed_at") WHERE status IN ('assigned', 'claimed', 'in_progress');--> statement-breakpoint
CREATE INDEX "tickets_open_compound_queue_idx" ON "tickets" USING btree ("compound_id","status","queue_rank","due_at","id","claimed_at") WHERE status IN ('assigned', 'claimed', 'in_progress');--> statement-breakpoint
CREATE INDEX "tickets_open_queue_idx" ON "tickets" USING btree ("status","queue_rank","due_at","id","claimed_at") WHERE status IN ('assigned', 'claimed', 'in_progress');