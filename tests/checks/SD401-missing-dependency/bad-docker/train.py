# not started by the Dockerfile: its imports are not runtime dependencies
import wandb
