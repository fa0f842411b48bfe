-- docker-compose: the Temporal server's databases live in the same PostgreSQL as docnotify's.
CREATE DATABASE temporal;
CREATE DATABASE temporal_visibility;
