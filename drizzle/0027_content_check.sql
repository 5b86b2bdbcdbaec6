ALTER TABLE "tickets" ADD COLUMN "content_check" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "content_held_at" timestamp (3) with time zone;