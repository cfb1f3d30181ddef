import google.generativeai as genai

genai.configure(api_key="AIzaEZDz-TddJ8HyS5SUkCnD8zRA9a9SkpXz9w3")  # expect: SD306
