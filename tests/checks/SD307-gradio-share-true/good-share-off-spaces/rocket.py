class Rocket:
    def launch(self, share=False):
        return share


Rocket().launch(share=True)
