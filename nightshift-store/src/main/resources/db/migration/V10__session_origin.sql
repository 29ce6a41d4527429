-- What started a session when it was not a person typing: the trigger pipeline's origin
-- ("automation:<automation id>/<run id>", later a chat thread or an issue). NULL for the rest.
ALTER TABLE sessions ADD COLUMN origin VARCHAR(600);
