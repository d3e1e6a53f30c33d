"""c

Revision ID: c
"""
revision = "c"
down_revision = "b"
branch_labels = None
depends_on = None
