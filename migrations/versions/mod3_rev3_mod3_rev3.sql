-- message: MOD3 Rev3
-- revision: mod3_rev3
-- down_revision: mod3_rev2
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-24 16:09:23.155675

-- migrate:upgrade
CREATE TABLE mod3_message (
    id INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES mod3_subscription (id),
    subject VARCHAR(200) NOT NULL,
    body TEXT,
    sent_at VARCHAR(32)
);

INSERT INTO mod3_channel (id, code, name, description)
VALUES (4, 'push', 'Push notification', 'Mobile push notification');

-- migrate:downgrade
DELETE FROM mod3_channel WHERE id = 4;
DROP TABLE mod3_message;
