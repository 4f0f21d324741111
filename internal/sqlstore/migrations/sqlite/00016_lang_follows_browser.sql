-- +goose Up
-- An account's language is "" until the person chooses one, and then the
-- browser's Accept-Language decides. Until now every account was saved as
-- "en", chosen or not, which made a Spanish-speaking advocate's browser
-- count for nothing after sign-in; no saved "en" can be told apart from
-- the old default, so all of them follow the browser from now on (a
-- person who wants English whatever the browser says chooses it again).
-- The column's DEFAULT stays: goeswell always writes the value.
UPDATE users SET lang = '' WHERE lang = 'en';

-- +goose Down
UPDATE users SET lang = 'en' WHERE lang = '';
