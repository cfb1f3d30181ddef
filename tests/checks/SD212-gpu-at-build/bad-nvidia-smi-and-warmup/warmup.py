from transformers import AutoModelForCausalLM


def load():
    model = AutoModelForCausalLM.from_pretrained("gpt2")
    return model.cuda()


load()
