-- Who a signed-in person is (account, teams, roles, the areas they answer for) is kept by each
-- API process for a short while. Any change to it, by any process or by hand, says so on the
-- channel minhu_people (the person's id, or * when a team or an area changed), delivered when
-- the change commits; the processes listening forget what they kept.
CREATE FUNCTION minhu_people_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'STATEMENT' THEN
    PERFORM pg_notify('minhu_people', '*');
  ELSIF TG_TABLE_NAME = 'users' THEN
    PERFORM pg_notify('minhu_people', OLD.id::text);
  ELSE
    IF TG_OP <> 'INSERT' THEN
      PERFORM pg_notify('minhu_people', OLD.user_id::text);
    END IF;
    IF TG_OP <> 'DELETE' THEN
      PERFORM pg_notify('minhu_people', NEW.user_id::text);
    END IF;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER users_people_changed AFTER UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION minhu_people_changed();
--> statement-breakpoint
CREATE TRIGGER team_members_people_changed AFTER INSERT OR UPDATE OR DELETE ON team_members
  FOR EACH ROW EXECUTE FUNCTION minhu_people_changed();
--> statement-breakpoint
CREATE TRIGGER area_roles_people_changed AFTER INSERT OR UPDATE OR DELETE ON area_roles
  FOR EACH ROW EXECUTE FUNCTION minhu_people_changed();
--> statement-breakpoint
CREATE TRIGGER teams_people_changed AFTER UPDATE OR DELETE ON teams
  FOR EACH STATEMENT EXECUTE FUNCTION minhu_people_changed();
--> statement-breakpoint
CREATE TRIGGER areas_people_changed AFTER UPDATE OR DELETE ON areas
  FOR EACH STATEMENT EXECUTE FUNCTION minhu_people_changed();
