-- +goose Up
-- Feedback on the collaborative as a whole (seed 000, commitment 7):
-- rounds the convener opens and closes, answered once per person,
-- anonymously or named.
CREATE TABLE feedback_rounds (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    title            TEXT NOT NULL,
    opens_on         DATE NOT NULL,
    closes_on        DATE NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX feedback_rounds_collab ON feedback_rounds(collaborative_id, opens_on);

-- Who has answered a round, and nothing else: no answer, no time. Kept
-- apart from the answers so that one answer a person is enforced without
-- linking a person to an answer. WITHOUT ROWID: no insertion order either.
CREATE TABLE feedback_respondents (
    round_id BIGINT NOT NULL REFERENCES feedback_rounds(id) ON DELETE CASCADE,
    user_id  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (round_id, user_id)
) WITHOUT ROWID;

-- The answers. The key is random, not a sequence, and there is no time:
-- nothing orders the answers as they came in. user_id is set only for a
-- respondent who chose to give their name.
CREATE TABLE feedback_answers (
    id       TEXT NOT NULL PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES feedback_rounds(id) ON DELETE CASCADE,
    user_id  BIGINT REFERENCES users(id) ON DELETE SET NULL,
    answers  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX feedback_answers_round ON feedback_answers(round_id, id);

-- +goose Down
DROP TABLE feedback_answers;
DROP TABLE feedback_respondents;
DROP TABLE feedback_rounds;
