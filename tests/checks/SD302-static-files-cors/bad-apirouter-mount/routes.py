from fastapi import APIRouter
from fastapi.staticfiles import StaticFiles

router = APIRouter()
# Looks like it serves /api/files/..., but include_router drops mounts.
router.mount("/files", StaticFiles(directory="/tmp/results"), name="files")  # expect: SD302


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
