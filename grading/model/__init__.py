"""Names: the event log's columns and values, frame schemas, the row-problem shape, the metric registry
and settings files. No data is read or written here."""
