"""Files that leave Nivaran: safe CSV and Excel with the audited case exports, the published package,
the press report and its map, PDFs, the meeting pack, and number formats for people in India."""
