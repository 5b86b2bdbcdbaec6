ALTER TABLE "tickets" ADD COLUMN "anonymised_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "tickets_retention_idx" ON "tickets" USING btree (coalesce(closed_at, updated_at)) WHERE status IN ('closed', 'cancelled') AND anonymised_at IS NULL;--> statement-breakpoint
-- The timeline stays append-only, but for the retention job's own transaction (it sets
-- minhu.retention): at the end of RETENTION_DAYS it clears the texts of a finished ticket's events.
CREATE OR REPLACE FUNCTION ticket_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('minhu.retention', true) = 'on' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'ticket_events is append-only';
END;
$$;
