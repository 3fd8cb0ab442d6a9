"""Every document the shop prints: plain models, layouts, ESC/POS bytes and PDFs."""
