DROP INDEX "tickets_team_due_idx";--> statement-breakpoint
DROP INDEX "tickets_assignee_due_idx";--> statement-breakpoint
CREATE INDEX "tickets_open_team_due_idx" ON "tickets" USING btree ("team_id","due_at","id" DESC NULLS FIRST) WHERE status IN ('assigned', 'claimed', 'in_progress');--> statement-breakpoint
CREATE INDEX "tickets_open_assignee_due_idx" ON "tickets" USING btree ("assignee_id","due_at","id" DESC NULLS FIRST) WHERE status IN ('assigned', 'claimed', 'in_progress');