-- Buyers' e-mail addresses, learnt from identity's events (UserRegistered, ProfileUpdated), so
-- Checkout can fill in the signed-in buyer's address. `source_version` is the user stream's
-- version: a late or redelivered event never rolls an address back.
CREATE TABLE buyer_emails (
    user_id        text PRIMARY KEY,
    email          text   NOT NULL,
    source_version bigint NOT NULL
);
