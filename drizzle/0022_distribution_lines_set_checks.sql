ALTER TABLE "distribution_lines" DROP CONSTRAINT "distribution_lines_distribution_id_distributions_id_fk";
--> statement-breakpoint
ALTER TABLE "distribution_lines" DROP CONSTRAINT "distribution_lines_household_area_id_areas_id_fk";
--> statement-breakpoint
ALTER TABLE "distribution_lines" DROP CONSTRAINT "distribution_lines_place_id_areas_id_fk";
--> statement-breakpoint
ALTER TABLE "distribution_lines" DROP CONSTRAINT "distribution_lines_building_id_areas_id_fk";
--> statement-breakpoint
ALTER TABLE "distribution_lines" DROP CONSTRAINT "distribution_lines_team_id_teams_id_fk";
