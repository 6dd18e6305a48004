"""The browser workspace (Gradio)."""
