-- The member home's counters kept by the statements that change tickets (issue 20): each
-- statement that inserts, updates or deletes tickets appends, from its own old and new rows
-- (transition tables: no ticket is read again), one delta row per counter key it changed:
--   kind 1: a team's tickets waiting for a claim (status assigned), bucket 0;
--   kind 2: a member's open tickets (assigned, claimed, in progress), bucket 0;
--   kind 3: a team's open tickets by the hour of their due time (hours since 1970).
-- Appending, not updating one row per key: concurrent writers never wait on a counter row nor
-- deadlock over two of them; compactCounters folds each key's rows into one, in one statement.
-- The open statuses are the domain's OPEN_STATUSES (ticket-machine.ts) as of this migration.
CREATE FUNCTION ticket_counter_keys(status text, team_id uuid, assignee_id uuid, due_at timestamptz)
RETURNS TABLE (kind smallint, group_id uuid, bucket integer) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT 1::smallint, team_id, 0 WHERE status = 'assigned' AND team_id IS NOT NULL
  UNION ALL
  SELECT 2::smallint, assignee_id, 0 WHERE status IN ('assigned', 'claimed', 'in_progress') AND assignee_id IS NOT NULL
  UNION ALL
  SELECT 3::smallint, team_id, floor(extract(epoch FROM due_at) / 3600)::integer
  WHERE status IN ('assigned', 'claimed', 'in_progress') AND team_id IS NOT NULL AND due_at IS NOT NULL
$$;
--> statement-breakpoint
CREATE FUNCTION tickets_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ticket_counters (kind, group_id, bucket, n)
  SELECT k.kind, k.group_id, k.bucket, count(*)::integer
  FROM new_rows t CROSS JOIN LATERAL ticket_counter_keys(t.status, t.team_id, t.assignee_id, t.due_at) k
  GROUP BY 1, 2, 3;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION tickets_count_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ticket_counters (kind, group_id, bucket, n)
  SELECT d.kind, d.group_id, d.bucket, sum(d.n)::integer
  FROM (
    SELECT k.kind, k.group_id, k.bucket, 1 AS n
    FROM new_rows t CROSS JOIN LATERAL ticket_counter_keys(t.status, t.team_id, t.assignee_id, t.due_at) k
    UNION ALL
    SELECT k.kind, k.group_id, k.bucket, -1
    FROM old_rows t CROSS JOIN LATERAL ticket_counter_keys(t.status, t.team_id, t.assignee_id, t.due_at) k
  ) d
  GROUP BY 1, 2, 3
  HAVING sum(d.n) <> 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION tickets_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ticket_counters (kind, group_id, bucket, n)
  SELECT k.kind, k.group_id, k.bucket, -count(*)::integer
  FROM old_rows t CROSS JOIN LATERAL ticket_counter_keys(t.status, t.team_id, t.assignee_id, t.due_at) k
  GROUP BY 1, 2, 3;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER tickets_count_inserted AFTER INSERT ON tickets REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tickets_count_inserted();
--> statement-breakpoint
CREATE TRIGGER tickets_count_updated AFTER UPDATE ON tickets REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tickets_count_updated();
--> statement-breakpoint
CREATE TRIGGER tickets_count_deleted AFTER DELETE ON tickets REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tickets_count_deleted();
--> statement-breakpoint
-- The tickets already there, counted once (in the migration's transaction, with the triggers).
INSERT INTO ticket_counters (kind, group_id, bucket, n)
SELECT k.kind, k.group_id, k.bucket, count(*)::integer
FROM tickets t CROSS JOIN LATERAL ticket_counter_keys(t.status, t.team_id, t.assignee_id, t.due_at) k
WHERE t.status IN ('assigned', 'claimed', 'in_progress')
GROUP BY 1, 2, 3;
