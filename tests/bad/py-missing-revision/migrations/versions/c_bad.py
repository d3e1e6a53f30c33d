"""no revision here"""
down_revision = "b"
