"""Countries (and Europe and the EU) with the words that name them in news text: demonyms, capitals, short forms.

Data for automatic tags (see tagging.py); the first name on a line is the tag. Words are matched whole
and case-sensitively, so 'US' never matches 'us'.
"""
from __future__ import annotations

import functools

_TABLE = """\
Afghanistan: Afghan, Afghans, Kabul, Taliban
Algeria: Algerian, Algiers
Argentina: Argentine, Argentinian, Buenos Aires
Armenia: Armenian, Yerevan
Australia: Australian, Australians, Canberra
Austria: Austrian, Vienna
Azerbaijan: Azerbaijani, Baku
Bangladesh: Bangladeshi, Dhaka
Belarus: Belarusian, Minsk
Belgium: Belgian
Brazil: Brazilian, Brasilia
Bulgaria: Bulgarian, Sofia
Canada: Canadian, Canadians, Ottawa
Chile: Chilean, Santiago
China: Chinese, Beijing
Colombia: Colombian, Bogota
Cuba: Cuban, Havana
Czech Republic: Czechia, Czech, Prague
Denmark: Danish, Copenhagen
Egypt: Egyptian, Egyptians, Cairo
Estonia: Estonian, Tallinn
Ethiopia: Ethiopian, Addis Ababa
Europe: European, Europeans
European Union: EU, Brussels
Finland: Finnish, Helsinki
France: French, Paris, Elysee, Élysée
Georgia: Georgian, Tbilisi
Germany: German, Germans, Berlin
Ghana: Ghanaian, Accra
Greece: Greek, Athens
Hungary: Hungarian, Budapest
India: Indian, Indians, New Delhi
Indonesia: Indonesian, Jakarta
Iran: Iranian, Iranians, Tehran
Iraq: Iraqi, Iraqis, Baghdad
Ireland: Irish, Dublin
Israel: Israeli, Israelis, Jerusalem
Italy: Italian, Rome
Japan: Japanese, Tokyo
Jordan: Jordanian, Amman
Kazakhstan: Kazakh, Astana
Kenya: Kenyan, Nairobi
Kyrgyzstan: Kyrgyz, Bishkek
Latvia: Latvian, Riga
Lebanon: Lebanese, Beirut, Hezbollah
Libya: Libyan, Tripoli
Lithuania: Lithuanian, Vilnius
Malaysia: Malaysian, Kuala Lumpur
Mexico: Mexican, Mexicans, Mexico City
Moldova: Moldovan, Chisinau
Morocco: Moroccan, Rabat
Myanmar: Burma, Burmese, Naypyidaw
Netherlands: Dutch, Amsterdam, The Hague
New Zealand: Wellington
Nigeria: Nigerian, Nigerians, Abuja, Lagos
North Korea: Pyongyang
Norway: Norwegian, Oslo
Pakistan: Pakistani, Islamabad
Palestine: Palestinian, Palestinians, Gaza, West Bank, Ramallah, Hamas
Philippines: Filipino, Philippine, Manila
Poland: Polish, Warsaw
Portugal: Portuguese, Lisbon
Qatar: Qatari, Doha
Romania: Romanian, Bucharest
Russia: Russian, Russians, Moscow, Kremlin
Saudi Arabia: Saudi, Saudis, Riyadh
Serbia: Serbian, Belgrade
Singapore: Singaporean
Slovakia: Slovak, Bratislava
South Africa: South African, Pretoria, Johannesburg
South Korea: South Korean, Seoul
Spain: Spanish, Madrid
Sudan: Sudanese, Khartoum
Sweden: Swedish, Stockholm
Switzerland: Swiss, Bern, Geneva
Syria: Syrian, Syrians, Damascus
Taiwan: Taiwanese, Taipei
Tajikistan: Tajik, Dushanbe
Thailand: Thai, Bangkok
Turkey: Türkiye, Turkish, Ankara
Turkmenistan: Turkmen, Ashgabat
Ukraine: Ukrainian, Ukrainians, Kyiv, Kiev
United Arab Emirates: UAE, Emirati, Abu Dhabi, Dubai
United Kingdom: UK, U.K., Britain, British, London, Downing Street
United States: US, U.S., USA, America, American, Americans, Washington, White House
Uzbekistan: Uzbek, Tashkent
Venezuela: Venezuelan, Caracas
Vietnam: Vietnamese, Hanoi
Yemen: Yemeni, Sanaa, Houthi, Houthis
"""


@functools.cache
def countries() -> dict[str, tuple[str, ...]]:
    """Tag -> every word that names it, the tag itself first."""
    table = {}
    for line in _TABLE.splitlines():
        name, _, words = line.partition(":")
        table[name] = (name, *(w.strip() for w in words.split(",") if w.strip()))
    return table
