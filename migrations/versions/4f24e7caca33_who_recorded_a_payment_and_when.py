"""Who recorded an enrolment's payment and when (the secretariat or a school coordinator)

Revision ID: 4f24e7caca33
Revises: 7a1e2c3d4b5f
Create Date: 2026-12-06 20:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import teacherapp.models.types


# revision identifiers, used by Alembic.
revision = '4f24e7caca33'
down_revision = '7a1e2c3d4b5f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment_recorded_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('payment_recorded_at',
                                      teacherapp.models.types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_enrolment_payment_recorded_by_id_user'),
                                    'user', ['payment_recorded_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_enrolment_payment_recorded_by_id_user'),
                                 type_='foreignkey')
        batch_op.drop_column('payment_recorded_at')
        batch_op.drop_column('payment_recorded_by_id')
