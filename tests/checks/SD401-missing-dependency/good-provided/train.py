# never imported by the app: its imports are not the Space's runtime dependencies
import wandb
