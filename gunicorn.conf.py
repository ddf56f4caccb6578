"""gunicorn settings read automatically from the working directory (the Docker image's /app).

The access log leaves out query strings and referrers, and every gunicorn log line passes the same CPR mask
as Django's logs: a search for a CPR number must never end up in a log file."""

access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss "%(a)s"'
logger_class = "psykiatrihus.logredact.GunicornLogger"
