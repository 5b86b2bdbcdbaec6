CREATE TABLE "distribution_lines" (
	"id" uuid PRIMARY KEY NOT NULL,
	"distribution_id" uuid NOT NULL,
	"household_key" text NOT NULL,
	"household_area_id" uuid,
	"place_id" uuid NOT NULL,
	"room" text,
	"building_id" uuid NOT NULL,
	"address" text NOT NULL,
	"team_id" uuid,
	"resident_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"special_tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"priority" boolean DEFAULT false NOT NULL,
	"position" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"delivered_at" timestamp (3) with time zone,
	"delivered_by_id" uuid,
	"note" text,
	"attachments" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"reported_missing_at" timestamp (3) with time zone,
	"reported_missing_by_id" uuid,
	"reported_missing_note" text,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "distribution_lines_status_check" CHECK (status IN ('pending', 'delivered'))
);
--> statement-breakpoint
CREATE TABLE "distributions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"area_id" uuid NOT NULL,
	"area_path" text NOT NULL,
	"items" jsonb NOT NULL,
	"priority_tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"units_without_households" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"team_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"created_by_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "distribution_lines" ADD CONSTRAINT "distribution_lines_distribution_id_distributions_id_fk" FOREIGN KEY ("distribution_id") REFERENCES "public"."distributions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "distribution_lines" ADD CONSTRAINT "distribution_lines_household_area_id_areas_id_fk" FOREIGN KEY ("household_area_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "distribution_lines" ADD CONSTRAINT "distribution_lines_place_id_areas_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "distribution_lines" ADD CONSTRAINT "distribution_lines_building_id_areas_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "distribution_lines" ADD CONSTRAINT "distribution_lines_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "distribution_lines" ADD CONSTRAINT "distribution_lines_delivered_by_id_users_id_fk" FOREIGN KEY ("delivered_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "distribution_lines" ADD CONSTRAINT "distribution_lines_reported_missing_by_id_users_id_fk" FOREIGN KEY ("reported_missing_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "distributions" ADD CONSTRAINT "distributions_area_id_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "distributions" ADD CONSTRAINT "distributions_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "distribution_lines_household_key" ON "distribution_lines" USING btree ("distribution_id","household_key");--> statement-breakpoint
CREATE UNIQUE INDEX "distribution_lines_position_key" ON "distribution_lines" USING btree ("distribution_id","position");--> statement-breakpoint
CREATE INDEX "distribution_lines_building_idx" ON "distribution_lines" USING btree ("distribution_id","building_id","status");--> statement-breakpoint
CREATE INDEX "distribution_lines_residents_idx" ON "distribution_lines" USING gin ("resident_ids");--> statement-breakpoint
CREATE INDEX "distributions_area_path_idx" ON "distributions" USING btree ("area_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "distributions_team_ids_idx" ON "distributions" USING gin ("team_ids");