import cv2
import numpy as np
import sklearn
from fastapi import FastAPI

app = FastAPI()
