"""Status reports: report data (pure), HTML, and PDF / print through Qt."""
