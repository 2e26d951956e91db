"""The school coordinator role, users' school memberships, the time and place of an exam moment

Revision ID: 3c5e7a9b1d24
Revises: 715b3641b153
Create Date: 2026-12-06 06:05:00.000000

"""
from alembic import op
import sqlalchemy as sa

import teacherapp.models.types


# revision identifiers, used by Alembic.
revision = '3c5e7a9b1d24'
down_revision = '715b3641b153'
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('teacher', 'secretariat')"
ROLES_AFTER = "role IN ('teacher', 'secretariat', 'school_coordinator')"


def upgrade():
    op.create_table('school_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('created_at', teacherapp.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_school_membership_school_id_school'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_school_membership_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_membership')),
    sa.UniqueConstraint('user_id', 'school_id', name=op.f('uq_school_membership_user_id_school_id'))
    )
    with op.batch_alter_table('school_membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_membership_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_school_membership_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('exam_moment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('start_time', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('place', sa.String(length=200), nullable=True))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_role'), type_='check')
        batch_op.create_check_constraint('role', ROLES_AFTER)


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_role'), type_='check')
        batch_op.create_check_constraint('role', ROLES_BEFORE)

    with op.batch_alter_table('exam_moment', schema=None) as batch_op:
        batch_op.drop_column('place')
        batch_op.drop_column('start_time')

    with op.batch_alter_table('school_membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_membership_user_id'))
        batch_op.drop_index(batch_op.f('ix_school_membership_school_id'))

    op.drop_table('school_membership')
