"""GAN training (lessons 02-04 and 08): losses, steps, the one adversarial loop, checkpoints, recipes, the
shipped generators, distributed training and fine-tuning; plus the speed benchmark and the lessons' studies.

Import from the modules (``course_lib.gan.trainer``, ``course_lib.gan.losses``, ...): the package has no face of
its own, so importing one module never loads the rest.
"""
