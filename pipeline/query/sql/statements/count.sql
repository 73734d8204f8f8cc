-- How many statement clusters have a passing statement ({hits}): the rows of the whole table.
SELECT count(DISTINCT h.ckey) AS clusters FROM ({hits}) h
