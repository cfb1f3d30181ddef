import cv2  # expect: SD401
import numpy as np  # expect: SD401


def predict(x):
    return np.asarray(cv2.imread(x))
