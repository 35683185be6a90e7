-- The enrich stage's lookup table: the country of each client /16 network (first two octets of
-- an IPv4 address, as a*256+b). Made up but deterministic; about one network in 23 is absent,
-- so the report has an "(unknown)" row as a real geo table would.
CREATE TABLE IF NOT EXISTS client_network (
    prefix  INT PRIMARY KEY,
    country CHAR(2) NOT NULL
);
MERGE INTO client_network (prefix, country)
    SELECT X, ARRAY['US','DE','FR','GB','JP','BR','IN','CA','NL','SE',
                    'ES','IT','PL','KR','AU','MX','CH','ZA','SG','AR'][MOD(X * 40503, 20) + 1]
    FROM SYSTEM_RANGE(0, 65535)
    WHERE MOD(X * 7, 23) <> 0;
