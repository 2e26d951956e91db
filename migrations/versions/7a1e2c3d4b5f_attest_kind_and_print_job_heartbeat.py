"""attest kind (regular, curriculum, exemption) and the print job's heartbeat

Revision ID: 7a1e2c3d4b5f
Revises: c5c58168917c
Create Date: 2026-12-06 20:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import teacherapp.models.types


# revision identifiers, used by Alembic.
revision = '7a1e2c3d4b5f'
down_revision = 'c5c58168917c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attest', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'kind', sa.Enum('regular', 'curriculum', 'exemption', name='attest_kind',
                            native_enum=False, create_constraint=True, length=24),
            server_default='regular', nullable=False))

    with op.batch_alter_table('attest_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at',
                                      teacherapp.models.types.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('attest_job', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')

    with op.batch_alter_table('attest', schema=None) as batch_op:
        batch_op.drop_column('kind')
