-- +goose Up
-- Which framework nodes (a domain, an objective, a change concept) a
-- measure gives evidence for: the change package's evidence table asks,
-- for each node, whether the measures linked to it improved in the teams
-- testing it.
CREATE TABLE measure_nodes (
    measure_id BIGINT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    node_id    BIGINT NOT NULL REFERENCES framework_nodes(id) ON DELETE CASCADE,
    PRIMARY KEY (measure_id, node_id)
);
CREATE INDEX measure_nodes_node ON measure_nodes(node_id);

-- +goose Down
DROP TABLE measure_nodes;
