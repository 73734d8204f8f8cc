-- How many runs and failed inputs are recorded (the rows of the complete Runs and Failures tables).
SELECT (SELECT count(*) FROM runs) AS runs, (SELECT count(*) FROM failures) AS failures
