-- The same from the per-speaker counts.
SELECT key, label, statements FROM speaker_counts ORDER BY statements DESC, label LIMIT $limit
