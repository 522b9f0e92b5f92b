"""The monthly tables: ``refresh`` computes every month's metrics from the store and writes them back;
``results`` reads them graded (published months overlaid), with names attached."""
