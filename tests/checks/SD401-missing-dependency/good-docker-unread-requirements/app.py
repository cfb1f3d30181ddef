import torch
import cv2
