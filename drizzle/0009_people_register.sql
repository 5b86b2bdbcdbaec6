ALTER TABLE "users" ADD COLUMN "pending_tags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "tags_verified_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "tags_verified_by_id" uuid;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "notify_by" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "added_by_id" uuid;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_tags_verified_by_id_users_id_fk" FOREIGN KEY ("tags_verified_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_added_by_id_users_id_fk" FOREIGN KEY ("added_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_notify_by_check" CHECK (notify_by IS NULL OR notify_by IN ('app', 'sms', 'call', 'none'));--> statement-breakpoint

-- Tags on record so far came from the ledger (or from residents before tags could wait for
-- verification): they stay in force, as verified.
UPDATE "users" SET "tags_verified_at" = "updated_at" WHERE cardinality("special_tags") > 0;
