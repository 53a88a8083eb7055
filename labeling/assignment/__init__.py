"""Assignment: the engine that hands out items (engine.py), the SQL of its pool and lease
(pool_sql.py) and the ordering policies (policies/)."""
