-- The timeline is the ticket's history and the source of every response-time figure:
-- events are only ever appended.
CREATE FUNCTION ticket_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ticket_events is append-only';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ticket_events_no_update_or_delete
  BEFORE UPDATE OR DELETE ON ticket_events
  FOR EACH STATEMENT EXECUTE FUNCTION ticket_events_append_only();
