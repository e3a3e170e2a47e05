"""Getting feeds: HTTP (http.py), parsing (parse.py) and the polling schedule (schedule.py)."""
