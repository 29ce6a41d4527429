-- Each chat channel's default repository (Slack's "/nightshift repo <url>"): where a request that
-- names none works. One row per provider, team and channel.
CREATE TABLE channel_defaults (
    provider    VARCHAR(32)   NOT NULL,
    team        VARCHAR(100)  NOT NULL,
    channel     VARCHAR(100)  NOT NULL,
    repository  VARCHAR(2000) NOT NULL,
    set_by      VARCHAR(64),
    updated_at  BIGINT        NOT NULL,
    PRIMARY KEY (provider, team, channel)
);
