"""Route groups, one APIRouter per module."""
