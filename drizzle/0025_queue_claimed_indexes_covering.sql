DROP INDEX "tickets_claimed_team_idx";--> statement-breakpoint
DROP INDEX "tickets_claimed_assignee_idx";--> statement-breakpoint
DROP INDEX "tickets_claimed_compound_idx";--> statement-breakpoint
DROP INDEX "tickets_claimed_idx";--> statement-breakpoint
CREATE INDEX "tickets_claimed_team_idx" ON "tickets" USING btree ("team_id","claimed_at","queue_rank","response_due_at","id") WHERE status IN ('claimed', 'in_progress');--> statement-breakpoint
CREATE INDEX "tickets_claimed_assignee_idx" ON "tickets" USING btree ("assignee_id","claimed_at","queue_rank","response_due_at","id") WHERE status IN ('claimed', 'in_progress');--> statement-breakpoint
CREATE INDEX "tickets_claimed_compound_idx" ON "tickets" USING btree ("compound_id","claimed_at","queue_rank","response_due_at","id") WHERE status IN ('claimed', 'in_progress');--> statement-breakpoint
CREATE INDEX "tickets_claimed_idx" ON "tickets" USING btree ("claimed_at","queue_rank","response_due_at","id") WHERE status IN ('claimed', 'in_progress');