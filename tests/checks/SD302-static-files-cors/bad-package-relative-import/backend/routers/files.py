from fastapi import APIRouter
from starlette.staticfiles import StaticFiles

router = APIRouter(prefix="/results")
router.mount("/nifti", StaticFiles(directory="/tmp/nifti"))  # expect: SD302
